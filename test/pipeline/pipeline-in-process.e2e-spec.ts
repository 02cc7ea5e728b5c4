import { describePipelineBehaviour } from './pipeline-suite';

describePipelineBehaviour('in-process', () => Promise.resolve(undefined));
