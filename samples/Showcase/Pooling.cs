using System;
using System.Buffers;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Showcase;

/// <summary>ArrayPool and SemaphoreSlim misuse (BND3002–BND3004, BND1004), each next to its correct form.</summary>
public static class Pooling
{
    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
    private static int s_saved;

    public static async Task RunAsync()
    {
        var payload = Encoding.UTF8.GetBytes("hello, pool");
        Console.WriteLine(HashWrong(payload) == HashRight(payload) ? "hashes agree (by luck)" : "BND3002: the rented buffer's tail changed the hash");
        Console.WriteLine(Copy(payload).Length);
        await SaveWrongAsync(CancellationToken.None);
        await SaveRightAsync(CancellationToken.None);
        Console.WriteLine("saved " + s_saved);
    }

    // BND3002: Rent returns at least the requested length; hashing the whole array hashes stale bytes too.
    private static string HashWrong(byte[] payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        try
        {
            payload.CopyTo(buffer, 0);
            return Convert.ToHexString(SHA256.HashData(buffer));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Correct: slice to the requested length.
    private static string HashRight(byte[] payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        try
        {
            payload.CopyTo(buffer, 0);
            return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, payload.Length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // BND3003: the Return is skipped when Write throws. BND3004: the array is read after it went back to the pool.
    private static byte[] Copy(byte[] payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        using var stream = new MemoryStream();
        payload.CopyTo(buffer, 0);
        stream.Write(buffer, 0, payload.Length);
        ArrayPool<byte>.Shared.Return(buffer);
        return buffer.AsSpan(0, payload.Length).ToArray();
    }

    // BND1004: the wait is inside the try, so a cancelled wait still releases a slot it never took.
    private static async Task SaveWrongAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Gate.WaitAsync(cancellationToken);
            await Task.Yield();
            s_saved++;
        }
        finally
        {
            Gate.Release();
        }
    }

    // Correct: wait before the try, release in its finally.
    private static async Task SaveRightAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            await Task.Yield();
            s_saved++;
        }
        finally
        {
            Gate.Release();
        }
    }
}
