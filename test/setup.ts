import { Testing } from "cdktf";

// Registers cdktf's toHaveResource* matchers for construct tests.
Testing.setupJest();
