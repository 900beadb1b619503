/** The wire protocol's version; a report carries it so the collector can adapt to older agents. */
export const PROTOCOL_VERSION = 1;
