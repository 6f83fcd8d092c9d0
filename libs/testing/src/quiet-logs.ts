// Jest setup: logs stay quiet in tests unless EDX_TEST_LOG_LEVEL asks for them.
import { setDefaultLogLevel } from '@edx/common';

setDefaultLogLevel(process.env.EDX_TEST_LOG_LEVEL ?? 'silent');
