import { Router } from 'express';
import { openApiDocument } from './openapi';

export function createOpenApiRouter(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}
