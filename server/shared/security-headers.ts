// Headers that keep untrusted file metadata inert even if a template ever failed to escape it:
// no inline scripts or styles, no third-party anything, no framing. helmet sets them; the policy is
// spelled out whole (useDefaults: false) so that nothing is added behind our back; helmet's default
// upgrade-insecure-requests, for one, would break the archive served over plain HTTP on a newsroom LAN.
import helmet from 'helmet';

export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  xFrameOptions: { action: 'deny' },
});
