export { NfsRouter, Router } from './Router';
