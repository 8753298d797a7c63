"""Domain events: the versioned envelope (``models``) and the EventBridge adapter (``bus``)."""
