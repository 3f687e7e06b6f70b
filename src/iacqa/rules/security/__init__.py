"""security: protections good practice or the task requires (SEC*); checkov covers the rest (SEC-CKV_*)."""
