import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The page tests click through real forms and dialogs. On a busy two-core CI
// machine that takes longer than Jest's and Testing Library's defaults; these
// limits only bound a hung test, they measure nothing.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
