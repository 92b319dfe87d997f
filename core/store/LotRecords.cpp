#include "store/LotRecords.h"

#include "common/Error.h"

#include <cmath>

namespace patchead {

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass:
        return QStringLiteral("pass");
    case Verdict::Review:
        return QStringLiteral("review");
    case Verdict::Fail:
        return QStringLiteral("fail");
    case Verdict::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("error");
}

Verdict verdictFromName(const QString &name)
{
    for (Verdict verdict : {Verdict::Pass, Verdict::Review, Verdict::Fail, Verdict::Error}) {
        if (verdictName(verdict) == name)
            return verdict;
    }
    throw StoreError(QStringLiteral("Unknown verdict \"%1\": expected pass, review, fail or "
                                    "error. The lot database may come from a newer program "
                                    "version. Update the program.")
                         .arg(name));
}

QString operatorVerdictName(OperatorVerdict verdict)
{
    switch (verdict) {
    case OperatorVerdict::None:
        return QString();
    case OperatorVerdict::Accepted:
        return QStringLiteral("accepted");
    case OperatorVerdict::Rejected:
        return QStringLiteral("rejected");
    }
    return QString();
}

OperatorVerdict operatorVerdictFromName(const QString &name)
{
    for (OperatorVerdict verdict :
         {OperatorVerdict::None, OperatorVerdict::Accepted, OperatorVerdict::Rejected}) {
        if (operatorVerdictName(verdict) == name)
            return verdict;
    }
    throw StoreError(QStringLiteral("Unknown operator verdict \"%1\": expected accepted, "
                                    "rejected or an empty text. The lot database may come from "
                                    "a newer program version. Update the program.")
                         .arg(name));
}

Verdict verdictForScore(double imageScore, double rejectThreshold, double reviewThreshold)
{
    // A NaN score compares false with everything and would otherwise pass.
    if (std::isnan(imageScore) || imageScore >= rejectThreshold)
        return Verdict::Fail;
    if (imageScore >= reviewThreshold)
        return Verdict::Review;
    return Verdict::Pass;
}

} // namespace patchead
