"""`kubectl codestory`: pool status and scaling that cooperates with KEDA."""
