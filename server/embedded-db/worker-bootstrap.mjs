// Entry of the embedded server's worker thread. On Node 20 a worker does not get the parent's
// module hooks (tsx's --import loader included), so tsx is registered here, resolved from this
// folder (the cwd does not matter), before the TypeScript worker is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
