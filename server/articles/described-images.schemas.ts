// The input of POST /api/described-images and of the article page's form: the upload's fields
// (without a file) and what the article says about the image.
import { uploadFieldsSchema } from '../images/images.schemas';
import { text } from '../shared/input';

export const describedImageSchema = uploadFieldsSchema.omit({ describedImage: true }).extend({
  description: text('description', undefined, { multiLine: true }).optional().meta({ description: 'What the article says about an image it did not show.' }),
});
