#include "common/Logging.h"

Q_LOGGING_CATEGORY(lcImaging, "patchead.imaging", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEncoder, "patchead.encoder", QtInfoMsg)
Q_LOGGING_CATEGORY(lcFeatures, "patchead.features", QtInfoMsg)
Q_LOGGING_CATEGORY(lcScoring, "patchead.scoring", QtInfoMsg)
Q_LOGGING_CATEGORY(lcInspection, "patchead.inspection", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "patchead.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMetrics, "patchead.metrics", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDataset, "patchead.dataset", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSynthetic, "patchead.synthetic", QtInfoMsg)
Q_LOGGING_CATEGORY(lcReport, "patchead.report", QtInfoMsg)
