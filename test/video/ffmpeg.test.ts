// The FFmpeg adapter's confinement: a run past its wall-clock limit is killed, an address-space limit
// holds, a CPU-time limit holds, and the input must be a path the archive made.
import { expect } from 'chai';
import { FfmpegFailure, inputArgs, resolveFfmpeg, runLimited } from '../../server/video/ffmpeg';

describe('FFmpeg adapter limits', function () {
  this.timeout(60_000);
  const binaries = resolveFfmpeg();
  // An endless generated source decoded to nothing: only a limit can stop it.
  const endless = ['-hide_banner', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'null', '-'];

  async function failureOf(promise: Promise<unknown>): Promise<FfmpegFailure> {
    try {
      await promise;
    } catch (error) {
      expect(error).to.be.instanceOf(FfmpegFailure);
      return error as FfmpegFailure;
    }
    throw new Error('expected the run to fail');
  }

  it('kills a run that passes its wall-clock limit', async () => {
    const started = Date.now();
    const failure = await failureOf(runLimited(binaries.ffmpeg, endless, { limits: { wallMs: 1500, cpuSeconds: 600, memoryBytes: 1 << 30 } }));
    expect(failure.reason).to.equal('timeout');
    expect(Date.now() - started).to.be.below(10_000);
  });

  it('stops a run at its CPU-time limit', async () => {
    const failure = await failureOf(runLimited(binaries.ffmpeg, endless, { limits: { wallMs: 40_000, cpuSeconds: 1, memoryBytes: 1 << 30 } }));
    expect(failure.reason).to.equal('cpu');
  });

  it('refuses to run past its address-space limit', async () => {
    const failure = await failureOf(runLimited(binaries.ffmpeg, endless, { limits: { wallMs: 20_000, cpuSeconds: 60, memoryBytes: 24 * 1024 * 1024 } }));
    expect(['exit', 'memory']).to.include(failure.reason);
  });

  it('names its input by an absolute file: path with the network protocols off', () => {
    expect(inputArgs('/srv/uploads/tmp/x.part', 'mov')).to.deep.equal(['-hide_banner', '-nostdin', '-protocol_whitelist', 'file,pipe', '-f', 'mov', '-i', 'file:/srv/uploads/tmp/x.part']);
    expect(() => inputArgs('x.mp4', 'mov')).to.throw();
  });
});
