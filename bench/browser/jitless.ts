// Imported first by page.ts. page.ts runs before the page's CSP meta tag is parsed, so zod's
// test of whether `new Function` is allowed passes there, and its schemas (built at import)
// would compile parsers with eval that the CSP then refuses. The panel's own zod runs after the
// CSP and finds out by itself; the benchmark's copy is told.
import { config } from 'zod';

config({ jitless: true });
