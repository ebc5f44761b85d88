export * from './stateMachine';
export * from './types';
