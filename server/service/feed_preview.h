#ifndef HEDUI_SERVER_SERVICE_FEED_PREVIEW_H_
#define HEDUI_SERVER_SERVICE_FEED_PREVIEW_H_

// Placeholder registered in CMake by the lead; its owner fills it in.

#endif  // HEDUI_SERVER_SERVICE_FEED_PREVIEW_H_
