// Every input is parsed by its schema: operators smuggled into JSON or a query string are refused
// with a 400 that names the field, and the OpenAPI document shows the same limits.
import { expect } from 'chai';
import { ROUTE_ACCESS } from '../../server/accounts/authorization';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('input schemas over HTTP', () => {
  let app: TestApp;
  let id: string;

  before(async () => {
    app = await startTestApp();
    await resetDatabase();
    id = (await app.as('editor').post('/api/images').field('caption', 'A caption').attach('image', fixture('DSCN0010.jpg')).expect(201)).body.id;
  });
  after(async () => {
    await app.close();
  });

  it('refuses a PATCH whose field carries an operator, and changes nothing', async () => {
    const refused = await app.as('editor').patch(`/api/images/${id}`).send({ caption: { $ne: null }, reason: 'x' }).expect(400);
    expect(refused.body.error.message).to.equal('The field "caption" must be text.');
    expect(refused.body.error.details.field).to.equal('caption');
    const image = await app.as('editor').get(`/api/images/${id}`).expect(200);
    expect(image.body.declared.caption).to.equal('A caption');
  });

  it('refuses a PATCH with a field it does not know, naming the editable ones', async () => {
    const refused = await app.as('editor').patch(`/api/images/${id}`).send({ sha256: 'f'.repeat(64), reason: 'x' }).expect(400);
    expect(refused.body.error.message).to.match(/^Unknown field\(s\): sha256\. Editable: caption, credit/);
  });

  it('refuses a gallery parameter given twice, and ignores bracketed operator keys', async () => {
    const twice = await app.as('editor').get('/api/images?status=verified&status=disputed').expect(400);
    expect(twice.body.error.message).to.equal('The parameter "status" must be given once.');
    // Express's simple query parser keeps "credit[$ne]" as a plain, unknown key: it filters nothing.
    const listed = await app.as('editor').get('/api/images?credit[$ne]=x').expect(200);
    expect(listed.body.total).to.equal(1);
  });

  it('refuses upload fields that are not text, before any file is stored', async () => {
    const refused = await app.as('editor').post('/api/images').field('credit', 'One').field('credit', 'Two').attach('image', fixture('Canon_40D.jpg')).expect(400);
    expect(refused.body.error.message).to.equal('The field "credit" must be text.');
    expect((await app.as('editor').get('/api/images').expect(200)).body.total).to.equal(1);
  });

  it('describes the same limits in the OpenAPI document as the schemas enforce', async () => {
    const document = (await app.as('editor').get('/api/openapi.json').expect(200)).body;
    const patch = document.paths['/api/images/{id}'].patch.requestBody.content['application/json'].schema;
    expect(patch.required).to.deep.equal(['reason']);
    expect(patch.properties.credit.anyOf).to.deep.include({ type: 'string', maxLength: 500 });
    expect(patch.additionalProperties).to.equal(false);
    const limit = document.paths['/api/images'].get.parameters.find((parameter: { name: string }) => parameter.name === 'limit');
    expect(limit.schema).to.include({ type: 'integer', minimum: 1, maximum: 100 });
    const tooLong = await app.as('editor').patch(`/api/images/${id}`).send({ credit: 'x'.repeat(501), reason: 'x' }).expect(400);
    expect(tooLong.body.error.message).to.equal('The field "credit" is 501 characters long; the limit is 500.');
  });

  it('documents every JSON and media route the app serves, with the token and session schemes', async () => {
    const document = (await app.as('viewer').get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>>; components: { securitySchemes: Record<string, { type: string }> } };
    const served = Object.keys(ROUTE_ACCESS).filter((route) => / \/(api|media)\//.test(route));
    const missing = served.filter((route) => {
      const [method, routePath] = route.split(' ');
      const documented = routePath.replace(/:(\w+)/g, (_all, name: string) => `{${name === 'name' ? 'file' : name}}`);
      return !document.paths[documented]?.[method.toLowerCase()];
    });
    expect(missing, 'routes in the authorization matrix without an OpenAPI operation').to.deep.equal([]);
    expect(Object.keys(document.components.securitySchemes).sort()).to.deep.equal(['bearerToken', 'session']);
  });
});
