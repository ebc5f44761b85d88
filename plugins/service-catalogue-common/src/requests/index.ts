export * from './stateMachine';
export * from './types';
export * from './api';
export * from './grants';
