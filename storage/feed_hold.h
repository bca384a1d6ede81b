#ifndef HEDUI_STORAGE_FEED_HOLD_H_
#define HEDUI_STORAGE_FEED_HOLD_H_

// Placeholder registered in CMake by the lead; its owner fills it in.

#endif  // HEDUI_STORAGE_FEED_HOLD_H_
