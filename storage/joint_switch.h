#ifndef HEDUI_STORAGE_JOINT_SWITCH_H_
#define HEDUI_STORAGE_JOINT_SWITCH_H_

// Placeholder registered by the lead for a helper session.

#endif  // HEDUI_STORAGE_JOINT_SWITCH_H_
