#pragma once

#include <QLoggingCategory>

// One logging category per core component, enabled with QT_LOGGING_RULES,
// for example QT_LOGGING_RULES="patchead.scoring.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcImaging)
Q_DECLARE_LOGGING_CATEGORY(lcEncoder)
Q_DECLARE_LOGGING_CATEGORY(lcFeatures)
Q_DECLARE_LOGGING_CATEGORY(lcScoring)
Q_DECLARE_LOGGING_CATEGORY(lcInspection)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcMetrics)
Q_DECLARE_LOGGING_CATEGORY(lcDataset)
Q_DECLARE_LOGGING_CATEGORY(lcSynthetic)
Q_DECLARE_LOGGING_CATEGORY(lcReport)
