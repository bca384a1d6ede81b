#ifndef HEDUI_STORAGE_PAGE_TOKEN_H_
#define HEDUI_STORAGE_PAGE_TOKEN_H_

// Placeholder registered by the lead for a helper session.

#endif  // HEDUI_STORAGE_PAGE_TOKEN_H_
