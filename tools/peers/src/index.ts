/** The Go operators that dsoi's reference operators replace: built from source, run as processes beside ours. */
export { type BuildPeerOptions, buildPeer, type PeerBuild, type PeerName, peers, peersSourceDir } from './buildPeer.ts';
export {
  freePort,
  type OperatorCommand,
  type OperatorProcess,
  type StartOperatorOptions,
  startOperator,
} from './operatorProcess.ts';
