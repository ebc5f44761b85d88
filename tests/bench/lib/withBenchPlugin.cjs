// Preloaded (node --require) into the demo backend's production bundle so
// that the bench-only plugin runs in the very same process, next to the
// features the demo itself adds, without the demo shipping it. The bundle
// calls createBackend() once; the backend it returns gets the plugin too.
const fromBackend = name =>
  require(require.resolve(name, { paths: [process.cwd()] }));

const defaults = fromBackend('@backstage/backend-defaults');
const createBackend = defaults.createBackend;
defaults.createBackend = (...args) => {
  const backend = createBackend(...args);
  backend.add(fromBackend('@service-catalogue/backend-bench').default);
  return backend;
};
