export * from './acme';
export * from './cert-manager';
export * from './certificate';
export * from './crds';
export * from './issuers';
export * from './names';
export * from './startup-check';
export * from './versions';
