/** asl-validator 4 ships no type declarations; this covers its programmatic entry point. */
declare module 'asl-validator' {
  interface StateMachineError {
    readonly 'Error code': string;
    readonly Message: string;
  }
  interface ValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly StateMachineError[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }): ValidationResult;
  export = aslValidator;
}
