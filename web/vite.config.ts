import { defineConfig } from "vite";

// The bundle is embedded in the claimdb binary (src/api/web.rs), which
// serves it with a strict Content-Security-Policy: no inline scripts or
// styles, no module preload polyfill (an inline script), and file names
// under assets/ that change with their contents.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: "es2022",
  },
});
