import { pipelineDefinition } from '../../asl/definition';
import { statesOnHappyPath, taskStates } from '../../asl/paths';

const machine = pipelineDefinition((entrypoint) => entrypoint);

describe('the definition’s paths', () => {
  it('names every Task state and the function it invokes, Parallel branches included', () => {
    expect(taskStates(machine)).toEqual([
      { state: 'ValidateImage', resource: 'validate' },
      { state: 'ResizeImage', resource: 'resize' },
      { state: 'ApplyFilters', resource: 'filters' },
      { state: 'OptimizeImage', resource: 'optimize' },
      { state: 'NotifySuccess', resource: 'notify-success' },
      { state: 'NotifyError', resource: 'notify-error' },
    ]);
  });

  it('counts the states a successful execution enters: ValidateImage, ImageValid, ProcessImage and its two branches, OptimizeImage, NotifySuccess', () => {
    expect(statesOnHappyPath(machine)).toBe(7);
  });
});
