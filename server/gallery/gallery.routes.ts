import { Router } from 'express';
import type { AppDeps } from '../app';

export function createGalleryRouter(_deps: AppDeps): Router {
  return Router();
}
