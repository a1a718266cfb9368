#pragma once
/// \file
/// (being written)
