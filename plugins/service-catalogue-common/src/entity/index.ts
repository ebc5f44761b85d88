export * from './OfferingEntityV1alpha1';
