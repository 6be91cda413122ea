// Architecture rules, checked by `npm run lint` (and so by CI). See README's "Layout".
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Files must not import each other in a circle: each capability is built on the ones below it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'models-behind-repositories',
      comment: 'A mongoose model is used only by its repository; others may import its record types.',
      severity: 'error',
      from: { path: '^server/', pathNot: '(\\.repository\\.ts|\\.model\\.ts)$' },
      to: { path: '\\.model\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'routes-and-views-call-services',
      comment: 'Routes, page loaders and view-models reach data through services, never a repository.',
      severity: 'error',
      from: { path: '(^server/web/|\\.api\\.ts$)' },
      to: { path: '\\.repository\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-is-below-capabilities',
      comment: 'server/shared holds what every capability uses; it imports none of them.',
      severity: 'error',
      from: { path: '^server/shared/' },
      to: { path: '^server/', pathNot: '^server/shared/' },
    },
    {
      name: 'embedded-db-stands-alone',
      comment: 'The embedded database is a separate program; it imports nothing of the app.',
      severity: 'error',
      from: { path: '^server/embedded-db/' },
      to: { path: '^server/', pathNot: '^server/embedded-db/' },
    },
    {
      name: 'provenance-knows-no-images',
      comment: 'Provenance reaches image records through the port it is given (provenance.service.ts).',
      severity: 'error',
      from: { path: '^server/provenance/' },
      to: { path: '^server/(images|articles|web)/' },
    },
    {
      name: 'pictures-know-no-images',
      comment: 'Picture groups reach image records through the port they are given (pictures.service.ts).',
      severity: 'error',
      from: { path: '^server/pictures/' },
      to: { path: '^server/(images|articles|web)/' },
    },
    {
      name: 'images-know-no-articles-or-videos',
      comment: 'Images reach articles through ArticleLinks (images/article-links.ts) and videos through VideoPort (images/video-port.ts), both wired in services.ts.',
      severity: 'error',
      from: { path: '^server/images/' },
      to: { path: '^server/(articles|video|web)/' },
    },
    {
      name: 'files-are-below-capabilities',
      comment: 'server/files says what a file is from its bytes; images and video both build on it.',
      severity: 'error',
      from: { path: '^server/files/' },
      to: { path: '^server/', pathNot: '^server/(files|shared)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
