/** `@aloft/catalog`: Flyte's DataCatalog in TypeScript. */
export {};
