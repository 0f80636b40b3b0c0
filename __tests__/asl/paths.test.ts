import { DEFAULT_WORKER_ROUTE, pipelineDefinition, SEND_AND_WAIT_RESOURCE } from '../../asl/definition';
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

describe('the paths with the worker route', () => {
  const withWorker = pipelineDefinition((entrypoint) => entrypoint, DEFAULT_WORKER_ROUTE);

  it('adds ProcessOnWorker, which invokes no function', () => {
    expect(taskStates(withWorker)).toContainEqual({ state: 'ProcessOnWorker', resource: SEND_AND_WAIT_RESOURCE });
  });

  it('counts ChooseProcessor on the way most images take, the image functions', () => {
    expect(statesOnHappyPath(withWorker)).toBe(8);
  });
});
