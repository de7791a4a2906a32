// A length-prefixed TCP protocol: a listener, per-connection handlers, a framing stream and a client with a
// write lock. Frames are: 4-byte big-endian length, 1-byte opcode, payload.
using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Protocol
{
    public enum Opcode : byte
    {
        Ping = 1,
        Pong = 2,
        Data = 3,
        Close = 4,
    }

    public readonly record struct Frame(Opcode Opcode, ReadOnlyMemory<byte> Payload);

    public interface IFrameHandler
    {
        ValueTask<Frame?> HandleAsync(Frame frame, CancellationToken cancellationToken);
    }

    /// <summary>Accepts connections and serves frames.</summary>
    public sealed class FrameServer
    {
        private const int MaxFrame = 1 << 20;

        private readonly IFrameHandler _handler;
        private readonly ILogger _logger;
        private readonly ConcurrentDictionary<EndPoint, Task> _connections = new();

        public FrameServer(IFrameHandler handler, ILogger logger)
        {
            _handler = handler;
            _logger = logger;
        }

        // Positive: an accept loop that can never stop (BND2002), and one handler per connection with no limit on how
        // many run (BND1005). The handler is not BND2001: it ends when its client disconnects, and no token is anywhere
        // in this code.
        public async Task ListenForeverAsync(IPEndPoint endpoint)
        {
            var listener = new TcpListener(endpoint);
            listener.Start();
            while (true) // expect BND2002
            {
                var client = await listener.AcceptTcpClientAsync();
                _ = ServeAsync(client); // expect BND1005
            }
        }

        // Not reported: the accept loop observes the token and each connection is tracked and receives the token.
        public async Task ListenAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
        {
            var listener = new TcpListener(endpoint);
            listener.Start();
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(cancellationToken);
                    var remote = client.Client.RemoteEndPoint!;
                    _connections[remote] = ServeAsync(client, cancellationToken);
                }
            }
            finally
            {
                listener.Stop();
                await Task.WhenAll(_connections.Values);
            }
        }

        public async Task ServeAsync(TcpClient client, CancellationToken cancellationToken = default)
        {
            using (client)
            {
                var stream = client.GetStream();
                var header = new byte[5];
                var payload = ArrayPool<byte>.Shared.Rent(4096);
                try
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await stream.ReadExactlyAsync(header, cancellationToken);
                        var length = BinaryPrimitives.ReadInt32BigEndian(header);
                        if (length < 0 || length > MaxFrame)
                        {
                            _logger.LogWarning("Frame of {Length} bytes refused", length);
                            return;
                        }

                        if (payload.Length < length)
                        {
                            ArrayPool<byte>.Shared.Return(payload);
                            payload = ArrayPool<byte>.Shared.Rent(length);
                        }

                        await stream.ReadExactlyAsync(payload.AsMemory(0, length), cancellationToken);
                        var reply = await _handler.HandleAsync(new Frame((Opcode)header[4], payload.AsMemory(0, length)), cancellationToken);
                        if (reply is { } frame)
                        {
                            await FrameWriter.WriteAsync(stream, frame, cancellationToken);
                        }

                        if ((Opcode)header[4] == Opcode.Close)
                        {
                            return;
                        }
                    }
                }
                catch (EndOfStreamException)
                {
                    _logger.LogDebug("Peer closed the connection");
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
            }
        }

        // Positive: a receive loop that allocates a fresh payload buffer per frame.
        public async Task<int> DrainAsync(Socket socket, CancellationToken cancellationToken)
        {
            var frames = 0;
            var header = new byte[5];
            while (await socket.ReceiveAsync(header, SocketFlags.None, cancellationToken) == header.Length)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                var body = new byte[MaxFrame]; // expect BND3001
                var received = 0;
                while (received < length)
                {
                    received += await socket.ReceiveAsync(body.AsMemory(received, length - received), SocketFlags.None, cancellationToken);
                }

                frames++;
            }

            return frames;
        }
    }

    /// <summary>Writes frames to a stream.</summary>
    public static class FrameWriter
    {
        // Not reported: a five-byte header on the stack per frame, and the payload written as is.
        public static async ValueTask WriteAsync(Stream stream, Frame frame, CancellationToken cancellationToken)
        {
            var header = new byte[5];
            BinaryPrimitives.WriteInt32BigEndian(header, frame.Payload.Length);
            header[4] = (byte)frame.Opcode;
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(frame.Payload, cancellationToken);
        }

        // Not reported: one pooled buffer for header and payload, the written length tracked separately.
        public static void Write(Stream stream, Frame frame)
        {
            var length = frame.Payload.Length + 5;
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                BinaryPrimitives.WriteInt32BigEndian(buffer, frame.Payload.Length);
                buffer[4] = (byte)frame.Opcode;
                frame.Payload.Span.CopyTo(buffer.AsSpan(5));
                stream.Write(buffer, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: the whole rented array goes on the wire.
        public static void WriteSloppy(Stream stream, Frame frame)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(frame.Payload.Length + 5);
            try
            {
                BinaryPrimitives.WriteInt32BigEndian(buffer, frame.Payload.Length);
                buffer[4] = (byte)frame.Opcode;
                frame.Payload.Span.CopyTo(buffer.AsSpan(5));
                stream.Write(buffer, 0, buffer.Length); // expect BND3002
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: the rented array is never returned.
        public static byte[] Encode(Frame frame)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(frame.Payload.Length + 5); // expect BND3003
            BinaryPrimitives.WriteInt32BigEndian(buffer, frame.Payload.Length);
            buffer[4] = (byte)frame.Opcode;
            frame.Payload.Span.CopyTo(buffer.AsSpan(5));
            return buffer.AsSpan(0, frame.Payload.Length + 5).ToArray();
        }

        // Not reported: the rented array is handed to the caller together with its length (ownership moves).
        public static (byte[] Buffer, int Length) EncodePooled(Frame frame)
        {
            var length = frame.Payload.Length + 5;
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            BinaryPrimitives.WriteInt32BigEndian(buffer, frame.Payload.Length);
            buffer[4] = (byte)frame.Opcode;
            frame.Payload.Span.CopyTo(buffer.AsSpan(5));
            return (buffer, length);
        }
    }

    /// <summary>A read-only view of a payload with a fixed prefix, used by the protocol's compression layer.</summary>
    public sealed class PrefixedStream : Stream
    {
        private readonly Stream _inner;
        private readonly byte[] _prefix;
        private int _prefixPosition;

        public PrefixedStream(byte[] prefix, Stream inner)
        {
            _prefix = prefix;
            _inner = inner;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        // Positive: a Read override runs per call of a copy loop; its scratch buffer is allocated each time.
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_prefixPosition < _prefix.Length)
            {
                var fromPrefix = Math.Min(count, _prefix.Length - _prefixPosition);
                Array.Copy(_prefix, _prefixPosition, buffer, offset, fromPrefix);
                _prefixPosition += fromPrefix;
                return fromPrefix;
            }

            var scratch = new byte[count]; // expect BND3001
            var read = _inner.Read(scratch, 0, count);
            Array.Copy(scratch, 0, buffer, offset, read);
            return read;
        }

        // Not reported: reads straight into the caller's memory.
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefixPosition < _prefix.Length)
            {
                var fromPrefix = Math.Min(buffer.Length, _prefix.Length - _prefixPosition);
                _prefix.AsMemory(_prefixPosition, fromPrefix).CopyTo(buffer);
                _prefixPosition += fromPrefix;
                return fromPrefix;
            }

            return await _inner.ReadAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A client that multiplexes requests over one connection: writes are serialised by a semaphore.</summary>
    public sealed class FrameClient : IDisposable
    {
        private readonly Stream _stream;
        private readonly ILogger _logger;

        public FrameClient(Stream stream, ILogger logger)
        {
            _stream = stream;
            _logger = logger;
        }

        public void Dispose() => _stream.Dispose();

        // Not reported: the canonical shape, wait before try, release in finally.
        public async Task SendAsync(Frame frame, SemaphoreSlim writeLock, CancellationToken cancellationToken)
        {
            await writeLock.WaitAsync(cancellationToken);
            try
            {
                await FrameWriter.WriteAsync(_stream, frame, cancellationToken);
            }
            finally
            {
                writeLock.Release();
            }
        }

        // Positive: a cancelled wait inside the try still releases a slot it never took.
        public async Task SendCarelessAsync(Frame frame, SemaphoreSlim writeLock, CancellationToken cancellationToken)
        {
            try
            {
                await writeLock.WaitAsync(cancellationToken); // expect BND1004
                await FrameWriter.WriteAsync(_stream, frame, cancellationToken);
            }
            finally
            {
                writeLock.Release();
            }
        }

        // Positive: the release is skipped when the write throws.
        public async Task SendUnprotectedAsync(Frame frame, SemaphoreSlim writeLock, CancellationToken cancellationToken)
        {
            await writeLock.WaitAsync(cancellationToken); // BND1004 only with bounded.report_exception_paths = true: the release is skipped only when a call throws
            await FrameWriter.WriteAsync(_stream, frame, cancellationToken);
            writeLock.Release();
        }

        // Positive: the timed wait's result is ignored, so the write may run without the lock.
        public void SendWithTimeout(Frame frame, SemaphoreSlim writeLock)
        {
            writeLock.Wait(TimeSpan.FromSeconds(1)); // expect BND1004
            try
            {
                FrameWriter.Write(_stream, frame);
            }
            finally
            {
                writeLock.Release();
            }
        }

        // Not reported: the timed wait's result decides whether the lock was taken.
        public bool TrySend(Frame frame, SemaphoreSlim writeLock)
        {
            if (!writeLock.Wait(TimeSpan.FromSeconds(1)))
            {
                _logger.LogWarning("Write lock timed out");
                return false;
            }

            try
            {
                FrameWriter.Write(_stream, frame);
                return true;
            }
            finally
            {
                writeLock.Release();
            }
        }

        // Positive: the early return for empty frames keeps the slot forever.
        public async Task SendNonEmptyAsync(Frame frame, SemaphoreSlim writeLock, CancellationToken cancellationToken)
        {
            await writeLock.WaitAsync(cancellationToken); // expect BND1004
            if (frame.Payload.IsEmpty)
            {
                return;
            }

            try
            {
                await FrameWriter.WriteAsync(_stream, frame, cancellationToken);
            }
            finally
            {
                writeLock.Release();
            }
        }

        // Not reported: reads a reply with a pooled buffer and the requested length.
        public async Task<string> ReadTextReplyAsync(int length, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await _stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: decodes the whole rented array as text.
        public async Task<string> ReadTextReplySloppyAsync(int length, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await _stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
                return Encoding.UTF8.GetString(buffer, 0, buffer.Length); // expect BND3002
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positive: the buffer goes back to the pool before the caller's copy is made.
        public async Task<byte[]> ReadReplyAsync(int length, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await _stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return buffer.AsSpan(0, length).ToArray(); // expect BND3004
        }

        // Not reported: the pings go out one at a time.
        public async Task PingAllAsync(IEnumerable<SemaphoreSlim> locks, CancellationToken cancellationToken)
        {
            foreach (var writeLock in locks)
            {
                await SendAsync(new Frame(Opcode.Ping, ReadOnlyMemory<byte>.Empty), writeLock, cancellationToken);
            }
        }
    }
}
