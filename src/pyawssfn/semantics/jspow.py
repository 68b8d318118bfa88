"""JavaScript's ``Math.pow`` / ``**`` bit for bit as V8 computes it (the engine AWS runs JSONata on).

V8 computes ``Math.pow`` with its port of fdlibm's ``__ieee754_pow`` (v8/src/base/ieee754.cc ``ieee754::pow``, the
"ES2019 Draft 2019-01-02 12.6.4 Math.pow" function; later V8 versions keep it as ``ieee754::legacy::pow``). CPython's
``math.pow`` and ``**`` call the C library's ``pow``, which is correctly rounded on glibc while fdlibm's is "nearly
rounded": they differ in the last bit for a few per cent of arguments (``1.1 ** 4``: 1.4641000000000004 in CPython,
1.4641000000000006 in V8; ``10 ** -5``: 1e-05 against 9.999999999999999e-06). This module is a line-by-line port of
that function (fdlibm e_pow.c, Copyright (C) 1993 by Sun Microsystems, Inc.: "Permission to use, copy, modify, and
distribute this software is freely granted, provided that this notice is preserved."), with C's 32-bit word
arithmetic spelled out, and with the one place where the V8 of Node.js 20 (the reference the shadow runs) computes
differently from fdlibm's text (marked below). tests/jsonata/test_jspow.py checks it bit for bit against Node.js on
random and edge-case arguments.
"""
from __future__ import annotations

import math
import struct

__all__ = ["js_pow"]

_BP = (1.0, 1.5)
_DP_H = (0.0, 5.84962487220764160156e-01)  # 0x3FE2B803, 0x40000000
_DP_L = (0.0, 1.35003920212974897128e-08)  # 0x3E4CFDEB, 0x43CFD006
_TWO53 = 9007199254740992.0
_HUGE = 1.0e300
_TINY = 1.0e-300
# poly coefs for (3/2)*(log(x)-2s-2/3*s**3
_L1 = 5.99999999999994648725e-01  # 0x3FE33333, 0x33333303
_L2 = 4.28571428578550184252e-01  # 0x3FDB6DB6, 0xDB6FABFF
_L3 = 3.33333329818377432918e-01  # 0x3FD55555, 0x518F264D
_L4 = 2.72728123808534006489e-01  # 0x3FD17460, 0xA91D4101
_L5 = 2.30660745775561754067e-01  # 0x3FCD864A, 0x93C9DB65
_L6 = 2.06975017800338417784e-01  # 0x3FCA7E28, 0x4A454EEF
_P1 = 1.66666666666666019037e-01  # 0x3FC55555, 0x5555553E
_P2 = -2.77777777770155933842e-03  # 0xBF66C16C, 0x16BEBD93
_P3 = 6.61375632143793436117e-05  # 0x3F11566A, 0xAF25DE2C
_P4 = -1.65339022054652515390e-06  # 0xBEBBBD41, 0xC5D26BF1
_P5 = 4.13813679705723846039e-08  # 0x3E663769, 0x72BEA4D0
_LG2 = 6.93147180559945286227e-01  # 0x3FE62E42, 0xFEFA39EF
_LG2_H = 6.93147182464599609375e-01  # 0x3FE62E43, 0x00000000
_LG2_L = -1.90465429995776804525e-09  # 0xBE205C61, 0x0CA86C39
_OVT = 8.0085662595372944372e-17  # -(1024-log2(ovfl+.5ulp))
_CP = 9.61796693925975554329e-01  # 0x3FEEC709, 0xDC3A03FD =2/(3ln2)
_CP_H = 9.61796700954437255859e-01  # 0x3FEEC709, 0xE0000000 =(float)cp
_CP_L = -7.02846165095275826516e-09  # 0xBE3E2FE0, 0x145B01F5 =tail of cp_h
_IVLN2 = 1.44269504088896338700e+00  # 0x3FF71547, 0x652B82FE =1/ln2
_IVLN2_H = 1.44269502162933349609e+00  # 0x3FF71547, 0x60000000 =24b 1/ln2
_IVLN2_L = 1.92596299112661746887e-08  # 0x3E54AE0B, 0xF85DDF44 =1/ln2 tail


def _bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def _high(x: float) -> int:
    """The high 32-bit word as C's signed int."""
    h = _bits(x) >> 32
    return h - (1 << 32) if h & 0x80000000 else h


def _low(x: float) -> int:
    return _bits(x) & 0xFFFFFFFF


def _from_words(high: int, low: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", ((high & 0xFFFFFFFF) << 32) | (low & 0xFFFFFFFF)))[0]


def _set_low(x: float, low: int) -> float:
    return _from_words(_high(x), low)


def _set_high(x: float, high: int) -> float:
    return _from_words(high, _low(x))


def js_pow(x: float, y: float) -> float:
    """``x ** y`` as V8 gives it (a float; NaN and the infinities included)."""
    x, y = float(x), float(y)
    if math.isnan(y):
        return math.nan
    if math.isinf(y) and abs(x) == 1.0:
        return math.nan
    return _ieee754_pow(x, y)


def _ieee754_pow(x: float, y: float) -> float:
    hx, lx = _high(x), _low(x)
    hy, ly = _high(y), _low(y)
    ix, iy = hx & 0x7FFFFFFF, hy & 0x7FFFFFFF

    if (iy | ly) == 0:  # y==zero: x**0 = 1
        return 1.0
    if ix > 0x7FF00000 or (ix == 0x7FF00000 and lx != 0) or iy > 0x7FF00000 or (iy == 0x7FF00000 and ly != 0):
        return x + y  # +-NaN return x+y

    yisint = _y_is_int(hx, iy, ly)

    special = _special_y(x, y, hx, hy, ix, lx, ly, iy)
    if special is not None:
        return special
    ax = abs(x)
    if lx == 0 and (ix == 0x7FF00000 or ix == 0 or ix == 0x3FF00000):  # x is +-0,+-inf,+-1
        z = ax
        if hy < 0:
            z = math.inf if z == 0.0 else 1.0 / z  # z = (1/|x|)
        if hx < 0:
            if ((ix - 0x3FF00000) | yisint) == 0:
                z = math.nan  # (-1)**non-int is NaN
            elif yisint == 1:
                z = -1.0 * z  # (x<0)**odd = -(|x|**odd)
        return z

    n = (hx >> 31) + 1
    if (n | yisint) == 0:  # (x<0)**(non-int) is NaN
        return math.nan
    s = -1.0 if (n | (yisint - 1)) == 0 else 1.0  # (-ve)**(odd int)

    if iy > 0x41E00000:  # if |y| > 2**31
        big = _huge_y(ix, hy, iy, s)
        if big is not None:
            return big
        t1, t2 = _log2_near_one(ax)
    else:
        t1, t2 = _log2(ax, ix)
    return _exp2_scaled(y, t1, t2, s)


def _y_is_int(hx: int, iy: int, ly: int) -> int:
    """0: y is not an integer, 1: an odd integer, 2: an even integer (only worked out when x < 0)."""
    if hx >= 0:
        return 0
    if iy >= 0x43400000:
        return 2  # even integer y
    if iy >= 0x3FF00000:
        k = (iy >> 20) - 0x3FF  # exponent
        if k > 20:
            j = ly >> (52 - k)
            if ((j << (52 - k)) & 0xFFFFFFFF) == ly:
                return 2 - (j & 1)
        elif ly == 0:
            j = iy >> (20 - k)
            if (j << (20 - k)) == iy:
                return 2 - (j & 1)
    return 0


def _special_y(x: float, y: float, hx: int, hy: int, ix: int, lx: int, ly: int, iy: int) -> float | None:
    if ly != 0:
        return None
    if iy == 0x7FF00000:  # y is +-inf
        if ((ix - 0x3FF00000) | lx) == 0:
            return math.nan  # inf**+-1 is NaN
        if ix >= 0x3FF00000:  # (|x|>1)**+-inf = inf,0
            return y if hy >= 0 else 0.0
        return -y if hy < 0 else 0.0  # (|x|<1)**-,+inf = inf,0
    if iy == 0x3FF00000:  # y is  +-1
        if hy < 0:
            return math.copysign(math.inf, x) if x == 0.0 else 1.0 / x
        return x
    if hy == 0x40000000:
        return x * x  # y is  2
    if hy == 0x3FE00000 and hx >= 0:  # y is  0.5, x >= +0
        return math.sqrt(x)
    return None


def _huge_y(ix: int, hy: int, iy: int, s: float) -> float | None:
    if iy > 0x43F00000:  # if |y| > 2**64, must o/uflow
        if ix <= 0x3FEFFFFF:
            return _HUGE * _HUGE if hy < 0 else _TINY * _TINY
        if ix >= 0x3FF00000:
            return _HUGE * _HUGE if hy > 0 else _TINY * _TINY
    # over/underflow if x is not close to one
    if ix < 0x3FEFFFFF:
        return s * _HUGE * _HUGE if hy < 0 else s * _TINY * _TINY
    if ix > 0x3FF00000:
        return s * _HUGE * _HUGE if hy > 0 else s * _TINY * _TINY
    return None


def _log2_near_one(ax: float) -> tuple[float, float]:
    # now |1-x| is tiny <= 2**-20, suffice to compute log(x) by x-x^2/2+x^3/3-x^4/4
    t = ax - 1.0  # t has 20 trailing zeros
    w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25))
    u = _IVLN2_H * t  # ivln2_h has 21 sig. bits
    v = t * _IVLN2_L - w * _IVLN2
    t1 = _set_low(u + v, 0)
    t2 = v - (t1 - u)
    return t1, t2


def _log2(ax: float, ix: int) -> tuple[float, float]:
    """log2(ax) as t1 + t2, t1 with its low word cleared."""
    n = 0
    if ix < 0x00100000:  # take care subnormal number
        ax *= _TWO53
        n -= 53
        ix = _high(ax)
    n += (ix >> 20) - 0x3FF
    j = ix & 0x000FFFFF
    ix = j | 0x3FF00000  # normalize ix
    if j <= 0x3988E:
        k = 0  # |x|<sqrt(3/2)
    elif j < 0xBB67A:
        k = 1  # |x|<sqrt(3)
    else:
        k = 0
        n += 1
        ix -= 0x00100000
    ax = _set_high(ax, ix)

    # compute ss = s_h+s_l = (x-1)/(x+1) or (x-1.5)/(x+1.5)
    u = ax - _BP[k]
    v = 1.0 / (ax + _BP[k])
    ss = u * v
    s_h = _set_low(ss, 0)
    t_h = _from_words(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0)  # t_h=ax+bp[k] High
    t_l = ax - (t_h - _BP[k])
    s_l = v * ((u - s_h * t_h) - s_h * t_l)
    # compute log(ax)
    s2 = ss * ss
    r = s2 * s2 * (_L1 + s2 * (_L2 + s2 * (_L3 + s2 * (_L4 + s2 * (_L5 + s2 * _L6)))))
    r += s_l * (s_h + ss)
    s2 = s_h * s_h
    t_h = _set_low(3.0 + s2 + r, 0)
    t_l = r - ((t_h - 3.0) - s2)
    # u+v = ss*(1+...)
    u = s_h * t_h
    v = s_l * t_h + t_l * ss
    # 2/(3log2)*(ss+...)
    p_h = _set_low(u + v, 0)
    p_l = v - (p_h - u)
    z_h = _CP_H * p_h  # cp_h+cp_l = 2/(3*log2)
    z_l = _CP_L * p_h + p_l * _CP + _DP_L[k]
    # log2(ax) = (ss+..)*2/(3*log2) = n + dp_h + z_h + z_l
    t = float(n)
    t1 = _set_low(((z_h + z_l) + _DP_H[k]) + t, 0)
    t2 = z_l - (((t1 - t) - _DP_H[k]) - z_h)
    return t1, t2


def _exp2_scaled(y: float, t1: float, t2: float, s: float) -> float:
    """s * 2**(y * (t1 + t2)), with fdlibm's overflow and underflow thresholds."""
    # split up y into y1+y2 and compute (y1+y2)*(t1+t2)
    y1 = _set_low(y, 0)
    p_l = (y - y1) * t1 + y * t2
    p_h = y1 * t1
    z = p_l + p_h
    j, i = _high(z), _low(z)
    if j >= 0x40900000:  # z >= 1024
        if ((j - 0x40900000) | i) != 0 or p_l + _OVT > z - p_h:
            return s * _HUGE * _HUGE  # overflow
    elif (j & 0x7FFFFFFF) >= 0x4090CC00:  # z <= -1075
        if (((j - 0xC090CC00) & 0xFFFFFFFF) | i) != 0 or p_l <= z - p_h:
            return s * _TINY * _TINY  # underflow
    # compute 2**(p_h+p_l)
    i = j & 0x7FFFFFFF
    k = (i >> 20) - 0x3FF
    n = 0
    if i > 0x3FE00000:  # if |z| > 0.5, set n = [z+0.5]
        n = j + (0x00100000 >> (k + 1))
        k = ((n & 0x7FFFFFFF) >> 20) - 0x3FF  # new k for n
        t = _from_words(n & ~(0x000FFFFF >> k), 0)
        n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k)
        if j < 0:
            n = -n
        p_h -= t
    t = _set_low(p_l + p_h, 0)
    u = t * _LG2_H
    v = (p_l - (t - p_h)) * _LG2 + t * _LG2_L
    z = u + v
    w = v - (z - u)
    t = z * z
    t1 = z - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    # fdlibm writes r = (z*t1)/(t1-two)-(w+z*w); the V8 that Node.js 20 (and AWS) runs divides by the whole
    # difference, (z*t1)/((t1-two)-(w+z*w)): its machine code (v8::base::ieee754::pow in node 20.20's binary) does,
    # and so Math.pow's last bit does. Kept as V8 computes it, since V8's answer is the one to reproduce.
    r = (z * t1) / ((t1 - 2.0) - (w + z * w))
    z = 1.0 - (r - z)
    j = _high(z) + (n << 20)
    if (j >> 20) <= 0:
        z = math.ldexp(z, n)  # subnormal output
    else:
        z = _set_high(z, _high(z) + (n << 20))
    return s * z
