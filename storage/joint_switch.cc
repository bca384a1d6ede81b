#include "storage/joint_switch.h"
