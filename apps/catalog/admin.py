from django.contrib import admin

from apps.catalog.models import Category, CategoryVersion, Game, Section


@admin.register(CategoryVersion)
class CategoryVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_active", "created_at")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "exchange_type", "group", "version", "sort_order")
    list_filter = ("exchange_type", "version", "group")
    search_fields = ("slug", "name")


@admin.register(Game)
class GameAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "sort_order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "game", "kind", "slug", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name", "game__name")
    list_select_related = ("game",)
