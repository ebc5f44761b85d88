import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Rendering the whole sign-in page takes longer than the defaults on a busy
// two-core CI machine; these limits only bound a hung test.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
