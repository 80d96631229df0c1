-- What a tenant's policy does with content parts the scan cannot read (images, audio,
-- PDFs and other binary files, files named by an upload id): pass them unread (allow) or
-- refuse the request with 422 (block). Text documents in `file` parts are scanned.
ALTER TABLE securetag.ai_gateway_config
    ADD COLUMN unscannable_parts_action TEXT NOT NULL DEFAULT 'allow'
        CHECK (unscannable_parts_action IN ('allow', 'block'));
