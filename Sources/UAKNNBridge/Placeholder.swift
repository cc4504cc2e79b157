import LDLCore
