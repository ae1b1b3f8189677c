// JSON-RPC 2.0 framing as the Language Server Protocol carries it over stdio: a header
// block (`Content-Length: N`, optionally `Content-Type`), an empty line, then N bytes of
// JSON. Reading is bounded: a header line or a body larger than the limits below is a
// framing error, never an allocation the peer chose.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace relgate::lsp {

inline constexpr size_t kMaxHeaderLine = 1024;
inline constexpr size_t kMaxMessageBytes = size_t{64} << 20;

// Error codes of a response: JSON-RPC's, and the LSP's own (-32803: a request the server
// understood but could not carry out, such as formatting a file that does not parse).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
inline constexpr int kRequestFailed = -32803;

enum class ReadResult { kMessage, kEnd, kMalformed };

// Reads one message's body from `in`. kEnd at end of input between messages; kMalformed
// (with `error`) for a broken header, a missing or oversized length, or input ending
// inside a message: the stream cannot be resynchronised after that.
ReadResult ReadMessage(std::FILE* in, std::string& body, std::string& error);

// Writes one message with its header and flushes.
void WriteMessage(std::FILE* out, std::string_view body);

// The framed bytes of one message (for tests and in-process clients).
std::string Frame(std::string_view body);

}  // namespace relgate::lsp
