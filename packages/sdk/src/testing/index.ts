/**
 * `@aloft/sdk/testing`: run workflows in unit tests with mocked tasks.
 */
export {};
