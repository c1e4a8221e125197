/** Public API of the detector (pure core: no HTTP, storage or queue imports). */
export { AsnTable } from "./asn-table.js";
export { CAPABILITIES, type Capability, capNames } from "./capabilities.js";
export { type DetectorConfig, DetectorConfigSchema, defaultConfig, parseDetectorConfig } from "./config.js";
export { type Decision, DetectionEngine, type EngineOptions } from "./engine.js";
export { extractFeatures, type RequestFeatures } from "./features.js";
export { classifyAsName, ipPrefix, type NetClass, type NetworkLookup, uaFamily } from "./network.js";
