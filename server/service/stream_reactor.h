#ifndef HEDUI_SERVER_SERVICE_STREAM_REACTOR_H_
#define HEDUI_SERVER_SERVICE_STREAM_REACTOR_H_

// Placeholder registered by the lead for a helper session.

#endif  // HEDUI_SERVER_SERVICE_STREAM_REACTOR_H_
