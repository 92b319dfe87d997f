#pragma once

#include <QString>
#include <stdexcept>

namespace patchead {

// Base of every error the core raises. The message is complete and meant for
// the user: it names the input (file, lot, model) and what to do about it.
class Error : public std::runtime_error {
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString()), mMessage(message) {}
    const QString &message() const { return mMessage; }

private:
    QString mMessage;
};

// An image that cannot be used: unreadable, truncated, too large, not an image.
class ImageError : public Error {
public:
    ImageError(const QString &path, const QString &reason)
        : Error(QStringLiteral("%1: %2").arg(path, reason)), mPath(path), mReason(reason) {}
    const QString &path() const { return mPath; }
    const QString &reason() const { return mReason; }

private:
    QString mPath;
    QString mReason;
};

// A model file or manifest that is missing, invalid or inconsistent.
class ModelError : public Error {
public:
    using Error::Error;
};

// A lot database that cannot be opened, read or written.
class StoreError : public Error {
public:
    using Error::Error;
};

// Settings that contradict each other or are out of range.
class SettingsError : public Error {
public:
    using Error::Error;
};

} // namespace patchead
