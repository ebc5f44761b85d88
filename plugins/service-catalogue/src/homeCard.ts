// What the home page card is in either frontend system, so that the legacy
// card and the new system's widget are the same card.
export const homeCardParts = {
  title: 'Service catalogue',
  description:
    'Requests waiting for your decision, access waiting for your review, your open requests, and your access that expires soon',
  components: () =>
    import('./components/HomeCard').then(m => ({ Content: m.HomeCardContent })),
  layout: {
    width: { minColumns: 4, defaultColumns: 6 },
    height: { minRows: 4, defaultRows: 8 },
  },
};
