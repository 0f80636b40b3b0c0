/**
 * Stands in, inside the local runners' bundle (local/run-bundled.cjs), for modules that
 * aws-local-stepfunctions loads as it starts but the runners never use: the Lambda client and
 * credential providers, for Task resources served by real Lambda functions (every Task here is a
 * local function, or LocalStateMachine refuses the definition), and asl-validator, for the
 * definition check the runners skip (the project's definition is checked by its tests). Loading
 * them cost a tenth of the start-up. Called anyway, it says so.
 */
'use strict';
module.exports = function notInTheBundle() {
  throw new Error('This module is not part of the local runners’ bundle (see local/bundle-stand-in.cjs); run the TypeScript through tsx to use it.');
};
