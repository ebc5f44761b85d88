/**
 * Card titles as headings, so that the tab can be read by its sections.
 *
 * @internal
 */
export const cardTitleProps = { component: 'h2', variant: 'h5' } as const;
