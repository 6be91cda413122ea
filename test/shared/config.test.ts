import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/shared/config';

describe('configuration', () => {
  it('gives a working archive with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.dbPath).to.equal(path.resolve('data/db'));
    expect(config.uploadDir).to.equal(path.resolve('uploads'));
    expect(config.limits).to.deep.equal({ maxUploadBytes: 50 * 1024 * 1024, maxFilesPerUpload: 20, maxPixels: 100_000_000 });
  });

  it('reads PORT, DATA_DIR, UPLOAD_DIR, MONGODB_URI and the limits', () => {
    const config = loadConfig({ PORT: '8080', DATA_DIR: '/srv/archive', UPLOAD_DIR: '/srv/files', MONGODB_URI: 'mongodb+srv://user:pw@cluster.example/x', MAX_UPLOAD_MB: '10', MAX_MEGAPIXELS: '40' });
    expect(config.port).to.equal(8080);
    expect(config.dbPath).to.equal('/srv/archive/db');
    expect(config.uploadDir).to.equal('/srv/files');
    expect(config.mongodbUri).to.equal('mongodb+srv://user:pw@cluster.example/x');
    expect(config.limits.maxUploadBytes).to.equal(10 * 1024 * 1024);
    expect(config.limits.maxPixels).to.equal(40_000_000);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' })).to.include({ port: 3000, mongodbUri: undefined });
  });

  it('refuses bad values, naming every offending variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', MAX_UPLOAD_MB: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).to.include('PORT');
    expect(message).to.include('MONGODB_URI');
    expect(message).to.include('MAX_UPLOAD_MB');
  });
});
