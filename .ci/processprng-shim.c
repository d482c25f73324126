/*
 * TEST-ONLY shim: never ship this DLL.
 *
 * Rust's std on Windows calls ProcessPrng from bcryptprimitives.dll (Windows 10+).
 * Wine 8.0 (Debian 12) has no bcryptprimitives.dll, so a Rust .exe dies at start
 * under Wine with "Library bcryptprimitives.dll ... not found". CI builds this file
 * as bcryptprimitives.dll and puts it next to the .exe it runs under Wine; the
 * export forwards to RtlGenRandom (SystemFunction036 in advapi32), which Wine has.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *            .ci/processprng-shim.c .ci/processprng-shim.def -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom is exported by advapi32 under the name SystemFunction036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData); always returns TRUE on Windows. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
