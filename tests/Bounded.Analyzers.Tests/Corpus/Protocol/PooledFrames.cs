// Length-prefixed frames read into memory rented from MemoryPool<byte>. The owner has to go back to the pool on every
// path, including a short read and a failed write; a frame handed to the dispatcher carries its owner with it.
using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Protocol.Pooled
{
    public sealed class PooledFrame : IDisposable
    {
        private readonly IMemoryOwner<byte> _owner;

        public PooledFrame(IMemoryOwner<byte> owner, int length)
        {
            _owner = owner;
            Length = length;
        }

        public int Length { get; }

        public ReadOnlyMemory<byte> Payload => _owner.Memory.Slice(0, Length);

        public void Dispose() => _owner.Dispose();
    }

    public sealed class PooledFrameReader
    {
        private readonly Stream _stream;
        private readonly ILogger<PooledFrameReader> _logger;

        public PooledFrameReader(Stream stream, ILogger<PooledFrameReader> logger)
        {
            _stream = stream;
            _logger = logger;
        }

        public async Task<int> SkipFrameAsync(CancellationToken cancellationToken)
        {
            var header = MemoryPool<byte>.Shared.Rent(4); // expect BND3005
            var read = await _stream.ReadAsync(header.Memory.Slice(0, 4), cancellationToken);
            if (read < 4)
            {
                _logger.LogWarning("Short header: {Read} bytes", read);
                return 0;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header.Memory.Span);
            header.Dispose();
            _stream.Seek(length, SeekOrigin.Current);
            return length;
        }

        // Not reported: the frame takes ownership of the memory and disposes it.
        public async Task<PooledFrame?> ReadFrameAsync(int length, CancellationToken cancellationToken)
        {
            var owner = MemoryPool<byte>.Shared.Rent(length);
            var read = await _stream.ReadAsync(owner.Memory.Slice(0, length), cancellationToken);
            return new PooledFrame(owner, read);
        }

        // Not reported: disposed on every path by the using declaration.
        public async Task EchoAsync(Stream target, int length, CancellationToken cancellationToken)
        {
            using var owner = MemoryPool<byte>.Shared.Rent(length);
            var read = await _stream.ReadAsync(owner.Memory.Slice(0, length), cancellationToken);
            await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
        }

        public async Task CopyFrameAsync(Stream target, int length, CancellationToken cancellationToken)
        {
            var owner = MemoryPool<byte>.Shared.Rent(length); // BND3005 only with bounded.report_exception_paths = true: the return is skipped only when a call throws
            var read = await _stream.ReadAsync(owner.Memory.Slice(0, length), cancellationToken);
            await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
            owner.Dispose();
        }
    }
}
